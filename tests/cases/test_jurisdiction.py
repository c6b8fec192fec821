"""A case's bureau by the enterprise's registered region: the county, else the nearest bureau above it."""
from app.cases.jurisdiction import region_candidates, territorial_unit


def test_region_candidates_nearest_first():
    assert region_candidates("350121") == ["350121", "350100", "350000"]
    assert region_candidates("350100") == ["350100", "350000"]
    assert region_candidates("35012") == [] and region_candidates("") == []


def test_territorial_unit_falls_back_to_the_city(db_session):
    assert territorial_unit("350121").name == "闽侯县市场监督管理局"
    assert territorial_unit("350125").name == "福州市市场监督管理局"  # a county we do not hold
    assert territorial_unit("110105") is None  # another province: no bureau of ours
