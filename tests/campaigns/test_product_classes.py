"""Product classes are data: national and regional classes, active years, the admin page, and every reader."""
from sqlalchemy import select

from app.campaigns.models import ProductClass
from app.cases.categories import category_label, class_choices, is_key_class
from app.seed.reference import unit_by_code


def test_the_table_holds_the_national_classes_and_the_provincial_additions(db_session):
    codes = {p.code: p for p in db_session.scalars(select(ProductClass))}
    assert {"gas_appliance", "e_bike", "gas_stove_hose_valve", "children_shoes_clothing", "farm_machinery_fertilizer",
            "plastic_products", "vehicle_fuel", "commercial_coal", "agri_film"} <= set(codes)
    assert codes["children_shoes_clothing"].region_code == "350000"
    assert codes["vehicle_fuel"].region_code == "620000"
    assert not codes["other"].is_key and codes["gas_stove_hose_valve"].is_key


def test_a_bureau_is_offered_the_national_classes_and_its_regions_additions_of_the_year(db_session):
    minhou = class_choices(unit_by_code("350121"), 2026)
    assert "灶管阀" in minhou["gas_stove_hose_valve"] and minhou["children_shoes_clothing"] == "童鞋童装"
    assert "vehicle_fuel" not in minhou  # Gansu's plan is not Fujian's
    assert "children_shoes_clothing" not in class_choices(unit_by_code("350121"), 2021)  # Fujian's start in 2022
    # A class already on a record stays selectable.
    assert "vehicle_fuel" in class_choices(unit_by_code("350121"), 2026, include=["vehicle_fuel"])


def test_admin_adds_and_edits_a_class_and_every_reader_follows(client, db_session, login_as, make_user):
    admin = make_user("350000", departments=(), roles=("system_admin",))
    login_as(admin)
    assert "灶管阀" in client.get("/admin/classes/").get_data(as_text=True)
    resp = client.post("/admin/classes/", data={"code": "lithium_battery", "name": "锂离子电池", "is_key": "1",
                                                "region_code": "350100", "year_from": "2026"})
    assert resp.status_code == 303
    assert category_label("lithium_battery") == "锂离子电池" and is_key_class("lithium_battery")
    assert "lithium_battery" in class_choices(unit_by_code("350121"), 2026)  # Fuzhou's addition reaches Minhou
    assert "lithium_battery" not in class_choices(unit_by_code("350203"), 2026)  # but not Xiamen
    assert client.post("/admin/classes/", data={"code": "lithium_battery", "name": "重复"}).status_code == 409
    assert client.post("/admin/classes/", data={"code": "Bad Code", "name": "x"}).status_code == 400
    row = db_session.scalar(select(ProductClass).where(ProductClass.code == "lithium_battery"))
    resp = client.post(f"/admin/classes/{row.id}", data={"name": "锂电池", "region_code": "350100"})
    assert resp.status_code == 303
    assert category_label("lithium_battery") == "锂电池" and not is_key_class("lithium_battery")  # box unticked
    # The start form of a failed sample lists it for a Fuzhou user.
    login_as(make_user("350121"))
    assert "锂电池" in client.get("/cases/start/failed_sample").get_data(as_text=True)
    assert client.get("/admin/classes/").status_code == 403


def test_case_forms_accept_only_classes_of_the_table(client, db_session, login_as, make_user):
    from app.cases.schemas import ProductSchema

    assert ProductSchema().validate({"product_category": "gas_stove_hose_valve", "product_name": "灶具"}) == {}
    assert "product_category" in ProductSchema().validate({"product_category": "rockets", "product_name": "x"})
