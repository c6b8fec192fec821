"""Build a campaign through the services, as a province head would (shared by the campaign and report tests)."""
from datetime import date

from app.campaigns import services

THURSDAY = 3


def campaign_data(start: date, **kw) -> dict:
    """A campaign form's data starting on `start`: three phases, Thursday 12:00 reports, summaries after."""
    data = {"name": "重点工业产品质量安全隐患排查治理专项行动", "start_date": start,
            "phases": [{"key": "self_inspection", "name": "企业自查", "due": date.fromordinal(start.toordinal() + 60)},
                       {"key": "inspection", "name": "现场检查", "due": date.fromordinal(start.toordinal() + 120)},
                       {"key": "rectification", "name": "整改落实", "due": date.fromordinal(start.toordinal() + 200)}],
            "class_codes": ["gas_appliance", "wire_cable"], "report_weekday": THURSDAY, "report_time": "12:00",
            "stage_date": date.fromordinal(start.toordinal() + 120),
            "annual_date": date.fromordinal(start.toordinal() + 220)}
    data.update(kw)
    return data


def issued_campaign(head, start: date, **kw):
    """Create and issue a campaign as `head` (a province or city quality-supervision head)."""
    campaign = services.create_campaign(head, campaign_data(start, **kw))
    services.issue_campaign(head, campaign.id)
    return campaign
