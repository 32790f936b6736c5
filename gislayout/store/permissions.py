"""Who may change what in the plan store: the ownership rules, in this one place.

Reading is open to all; every write needs at least an editor (`web.auth`). Beyond that:

| action                                                    | who may                                         |
|-----------------------------------------------------------|-------------------------------------------------|
| branch a new version, save a new scheme                   | any editor (who becomes its author)             |
| rename or describe a version, delete it                   | its author, or an admin                         |
| add, move, edit, delete or restore a feature of a version | the version's author, or an admin               |
| lock a version                                            | its author, or an admin                         |
| unlock a version                                          | its author, or an admin; a lock set by an admin |
|                                                           | only an admin                                   |
| replace or delete a saved scheme                          | its author, or an admin                         |

A baseline (loaded from `layers/`) is read-only for everyone, and a locked version refuses every change but an
unlock (409, `versions`). A refused write is `Forbidden` (403) naming who may. Each rule is a function of the
acting user (`{"name", "role"}`) and the thing's author, so `versions`, `schemes` and the web layer all ask here.
"""

from __future__ import annotations

from ..errors import Forbidden


def _is_admin(user: dict) -> bool:
    return user.get("role") == "admin"


def owns(user: dict | None, author: str | None) -> bool:
    """Whether `user` is an admin, or an editor who is the author (a viewer owns nothing: they cannot write)."""
    if not user:
        return False
    return _is_admin(user) or (user.get("role") == "editor" and author is not None and user.get("name") == author)


#: The actions of `_require` in Chinese (the English `action` is the key).
_ACTION_ZH = {"rename or describe": "重命名{t}或修改其说明", "delete": "删除{t}", "edit the features of": "编辑{t}的要素",
              "lock or unlock": "锁定或解锁{t}", "replace": "替换{t}"}


def _thing_zh(thing: str) -> str:
    """`version 'x'` or `scheme 'x'` in Chinese: 版本“x”, 方案“x”."""
    kind, _, name = thing.partition(" ")
    return f"{ {'version': '版本', 'scheme': '方案'}.get(kind, kind)}“{name.strip(chr(39))}”"


def _require(user: dict | None, author: str | None, action: str, thing: str) -> None:
    if not owns(user, author):
        who = user.get("name") if user else "nobody"
        raise Forbidden(f"only {author} or an admin may {action} {thing}; {who!r} may not",
                        zh=f"只有“{author}”或管理员可以"
                           + _ACTION_ZH.get(action, "{t}").format(t=_thing_zh(thing))
                           + (f"；“{who}”不可以" if user else "；未登录时不可以"))


def check_change_version(user: dict | None, version: dict) -> None:
    """Rename or describe `version`."""
    _require(user, version["author"], "rename or describe", f"version {version['id']!r}")


def check_delete_version(user: dict | None, version: dict) -> None:
    """Delete `version`."""
    _require(user, version["author"], "delete", f"version {version['id']!r}")


def check_edit_features(user: dict | None, version: dict) -> None:
    """Add, change, delete or restore features of `version`."""
    _require(user, version["author"], "edit the features of", f"version {version['id']!r}")


def check_lock(user: dict | None, version: dict, lock: bool, locked_by_admin: bool = False) -> None:
    """Lock (`lock`) or unlock `version`; `locked_by_admin` says whether its current lock was set by an admin."""
    _require(user, version["author"], "lock or unlock", f"version {version['id']!r}")
    if not lock and locked_by_admin and not _is_admin(user):
        raise Forbidden(f"version {version['id']!r} was locked by the admin {version['locked_by']}; "
                        "only an admin may unlock it",
                        zh=f"版本“{version['id']}”由管理员“{version['locked_by']}”锁定，只有管理员可以解锁")


def check_scheme(user: dict | None, scheme: dict, action: str = "replace") -> None:
    """Replace or delete (`action`) a saved scheme."""
    _require(user, scheme["author"], action, f"scheme {scheme['id']!r}")
