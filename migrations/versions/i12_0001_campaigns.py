"""Campaigns issued down the chain (campaign, campaign_unit, campaign_enterprise), product classes as data
(product_class, filled with the national classes and the Fujian and Gansu additions), and the report's
campaign, due time and return.

Revision ID: i12_0001
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import app.db

revision = "i12_0001"
down_revision = "0009"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

# (code, name, English name, region code ("" = national), key class, first year, source) — the classes of
# the national plan (DOMAIN.md section 4), gas safety's 灶管阀, and the provincial additions (seeds 000, 003).
FJ, GS = "福建省专项行动通知", "甘肃省产品质量安全监管工作计划"
CLASSES = [
    ("hazardous_chemicals", "危险化学品", "Hazardous chemicals", "", True, None, "全国重点工业产品目录"),
    ("chemical_packaging", "危险化学品包装物及容器", "Hazardous chemical packaging and containers", "", True, None,
     "全国重点工业产品目录"),
    ("road_tank", "道路运输液体危险货物罐车罐体", "Road tankers for liquid dangerous goods", "", True, None,
     "全国重点工业产品目录"),
    ("steel_rebar", "钢筋", "Steel rebar", "", True, None, "全国重点工业产品目录"),
    ("cement", "水泥", "Cement", "", True, None, "全国重点工业产品目录"),
    ("wire_cable", "电线电缆", "Wires and cables", "", True, None, "全国重点工业产品目录"),
    ("gas_appliance", "燃气器具", "Gas appliances", "", True, None, "全国重点工业产品目录"),
    ("fireworks", "烟花爆竹", "Fireworks", "", True, None, "全国重点工业产品目录"),
    ("e_bike", "电动自行车", "Electric bicycles", "", True, None, "全国重点工业产品目录"),
    ("e_bike_charger_battery", "电动自行车充电器及电池", "E-bike chargers and batteries", "", True, None,
     "全国重点工业产品目录"),
    ("gas_stove_hose_valve", "灶管阀（燃气灶具、连接软管、调压阀）", "Gas stoves, hoses and valves", "", True, 2022,
     "城镇燃气安全专项整治"),
    ("children_shoes_clothing", "童鞋童装", "Children's shoes and clothing", "350000", True, 2022, FJ),
    ("farm_machinery_fertilizer", "农机肥料", "Farm machinery and fertilisers", "350000", True, 2022, FJ),
    ("plastic_products", "塑料制品", "Plastic products", "350000", True, 2022, FJ),
    ("vehicle_fuel", "车用汽柴油", "Vehicle petrol and diesel", "620000", True, 2021, GS),
    ("commercial_coal", "商品煤", "Commercial coal", "620000", True, 2021, GS),
    ("urea_solution", "车用尿素水溶液", "Diesel exhaust fluid (urea)", "620000", True, 2021, GS),
    ("agri_film", "农用薄膜", "Agricultural film", "620000", True, 2021, GS),
    ("plastic_bags", "塑料购物袋", "Plastic shopping bags", "620000", True, 2021, GS),
    ("other", "其他", "Other", "", False, None, ""),
]


def upgrade():
    """Create the tables, fill the classes, extend the report."""
    op.create_table('product_class',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.Column('region_code', sa.String(length=12), nullable=False),
    sa.Column('is_key', sa.Boolean(), nullable=False),
    sa.Column('year_from', sa.Integer(), nullable=True),
    sa.Column('year_to', sa.Integer(), nullable=True),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product_class')),
    sa.UniqueConstraint('code', name=op.f('uq_product_class_code'))
    )
    with op.batch_alter_table('product_class', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_product_class_region_code'), ['region_code'], unique=False)
    table = sa.table("product_class", sa.column("code"), sa.column("name"), sa.column("name_en"),
                     sa.column("region_code"), sa.column("is_key"), sa.column("year_from"), sa.column("sort_order"),
                     sa.column("source"))
    op.bulk_insert(table, [{"code": c, "name": n, "name_en": en, "region_code": r, "is_key": k, "year_from": y,
                            "sort_order": (i + 1) * 10, "source": src}
                           for i, (c, n, en, r, k, y, src) in enumerate(CLASSES)])

    op.create_table('campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('phases', JSON, nullable=False),
    sa.Column('class_codes', JSON, nullable=False),
    sa.Column('report_weekday', sa.Integer(), nullable=False),
    sa.Column('report_time', sa.String(length=5), nullable=False),
    sa.Column('stage_date', sa.Date(), nullable=True),
    sa.Column('annual_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(), nullable=False),
    sa.Column('issued_at', app.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_campaign_created_by_id_user')),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_campaign_org_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign'))
    )
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_org_unit_id'), ['org_unit_id'], unique=False)

    op.create_table('campaign_enterprise',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('product_class', sa.String(length=40), nullable=False),
    sa.Column('products', sa.String(length=200), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('added_at', app.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_campaign_enterprise_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_campaign_enterprise_case_id_case')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'],
                            name=op.f('fk_campaign_enterprise_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_campaign_enterprise_org_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_enterprise')),
    sa.UniqueConstraint('campaign_id', 'enterprise_id', name='uq_campaign_enterprise')
    )
    with op.batch_alter_table('campaign_enterprise', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_enterprise_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_enterprise_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_enterprise_org_unit_id'), ['org_unit_id'], unique=False)

    op.create_table('campaign_unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.Column('issued_at', app.db.UTCDateTime(), nullable=False),
    sa.Column('acknowledged_at', app.db.UTCDateTime(), nullable=True),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    sa.Column('local_class_codes', JSON, nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['acknowledged_by_id'], ['user.id'], name=op.f('fk_campaign_unit_acknowledged_by_id_user')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_campaign_unit_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_campaign_unit_org_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_unit')),
    sa.UniqueConstraint('campaign_id', 'org_unit_id', name='uq_campaign_unit')
    )
    with op.batch_alter_table('campaign_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_unit_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_unit_org_unit_id'), ['org_unit_id'], unique=False)

    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('campaign_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('due_at', app.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('returned_reason', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('returned_at', app.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('returned_by_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_report_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_report_campaign_id_campaign'), 'campaign', ['campaign_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_report_returned_by_id_user'), 'user', ['returned_by_id'], ['id'])



def downgrade():
    """Drop what upgrade added."""
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_report_returned_by_id_user'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_report_campaign_id_campaign'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_report_campaign_id'))
        batch_op.drop_column('returned_by_id')
        batch_op.drop_column('returned_at')
        batch_op.drop_column('returned_reason')
        batch_op.drop_column('due_at')
        batch_op.drop_column('campaign_id')

    with op.batch_alter_table('campaign_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_unit_org_unit_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_unit_campaign_id'))

    op.drop_table('campaign_unit')
    with op.batch_alter_table('campaign_enterprise', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_enterprise_org_unit_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_enterprise_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_enterprise_campaign_id'))

    op.drop_table('campaign_enterprise')
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_org_unit_id'))

    op.drop_table('campaign')
    with op.batch_alter_table('product_class', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_class_region_code'))

    op.drop_table('product_class')
