"""TEMPORARY stub until the accounts branch lands (require/current_user only)."""
import functools


def current_user():
    return {"name": "stub", "role": "admin"}


def require(role):
    def deco(fn):
        @functools.wraps(fn)
        def wrapper(*a, **k):
            return fn(*a, **k)
        return wrapper
    return deco
