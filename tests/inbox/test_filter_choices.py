"""The inbox filter bar offers the product categories used by cases in the user's scope, and only those."""
from app.cases.services import KIND_LABELS
from app.engine.deploy import deploy_files
from tests.cases.case_bpmn import lifecycle_xml


def test_categories_are_those_of_cases_in_scope(db_session, make_user, make_case):
    from app.inbox.queries import filter_choices

    deploy_files({"penalty_case.bpmn": lifecycle_xml("penalty_case").encode("utf-8")}, form_exists=None)
    assert "penalty_case" in KIND_LABELS
    make_case("penalty_case", org_code="350121", product_category="wire_cable")
    make_case("penalty_case", org_code="350121", product_category="cement")
    make_case("penalty_case", org_code="350121", product_category="")
    make_case("penalty_case", org_code="350203", product_category="fireworks")  # Xiamen: another city
    make_case("penalty_case", org_code="350102", product_category="custom_class")  # a code outside the list
    db_session.flush()
    county = make_user("350121")
    fuzhou_head = make_user("350100", roles=("staff", "supervisor"))
    province = make_user("350000", roles=("staff", "supervisor"))
    assert filter_choices(county)["categories"] == ["cement", "wire_cable"]
    assert filter_choices(fuzhou_head)["categories"] == ["cement", "custom_class", "wire_cable"]
    assert filter_choices(province)["categories"] == ["cement", "custom_class", "fireworks", "wire_cable"]
