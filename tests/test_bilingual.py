"""One set of bilingual words: layer titles from the catalogue, code labels from `bilingual.VOCAB`."""

import pytest

from gislayout import bilingual, layers
from gislayout.compare import labels, render
from gislayout.errors import BadParameter
from gislayout.export import bundle
from gislayout.maps import i18n


@pytest.mark.parametrize("name", ["bases", "parks", "enterprises", "projects"])
def test_layer_words_are_the_catalogue_titles(name):
    spec = layers.get_spec(name)
    assert labels.group_label(name, "en") == spec.title_en
    assert labels.group_label(name, "zh") == spec.title_zh
    if name == "bases":  # the printout's legend draws national and provincial bases with their own symbols
        assert render._t("bases", "en").endswith(spec.title_en.lower()) and render._t("bases", "zh").endswith("基地")
    else:
        assert render._t(name, "en") == spec.title_en and render._t(name, "zh") == spec.title_zh


def test_code_labels_are_shared_by_atlas_and_bundle():
    zh, en = bilingual.VOCAB["kind"]["etdz"]
    assert i18n.vocabularies()["kind"]["etdz"] == {"zh": zh, "en": en}
    assert bundle._label("kind", "etdz") == f"{zh} {en}" and bundle._label("kind", "no_such_code") == "no_such_code"


def test_pick_refuses_another_language():
    assert bilingual.pick(("是", "yes"), "en") == "yes"
    with pytest.raises(BadParameter, match="'fr'"):
        bilingual.pick(("是", "yes"), "fr")
