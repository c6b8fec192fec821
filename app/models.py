"""Imports every domain's models so metadata (Alembic, tests) sees all tables."""
from app.admin.models import ProcessDraft  # noqa: F401
from app.api.models import ApiToken  # noqa: F401
from app.audit.models import CaseEvent  # noqa: F401
from app.auth.models import Department, OrgUnit, Role, User  # noqa: F401
from app.calendar.models import CalendarOverride  # noqa: F401
from app.campaigns.models import Campaign, CampaignEnterprise, CampaignUnit, ProductClass  # noqa: F401
from app.cases.models import Case, CaseNote, CaseNumberCounter, Enterprise  # noqa: F401
from app.documents.models import CaseDocument, DocumentNumberCounter, DocumentService, DocumentTemplate, DocumentVersion  # noqa: F401  # noqa: F401
from app.engine.models import HumanTask, PendingMessage, ProcessDefinition, ProcessInstance  # noqa: F401
from app.exchange.models import ComplaintLead, CreditDisclosure, SamplingResult  # noqa: F401
from app.inbox.models import TaskDraft  # noqa: F401
from app.notifications.models import Notification  # noqa: F401
from app.portal.models import EnterpriseInvitation  # noqa: F401
from app.reports.models import Report  # noqa: F401
