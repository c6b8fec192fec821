"""Timeline names of the audit events written by documents, service and the enterprise portal."""
from app.audit.labels import EVENT_LABELS

LABELS = {
    "document_issued": "制作文书", "document_regenerated": "重新生成文书", "document_template_uploaded": "上传文书模板",
    "document_service_recorded": "登记送达", "document_acknowledged": "企业签收文书",
    "enterprise_submitted": "企业端提交", "enterprise_user_invited": "邀请企业用户",
    "enterprise_user_activated": "企业用户启用账户", "enterprise_user_disabled": "停用企业用户",
    "enterprise_user_enabled": "启用企业用户",
}


def register_labels():
    """Add these names to the shared list (called once by create_app through the blueprint import)."""
    for key, text in LABELS.items():
        EVENT_LABELS.setdefault(key, text)


register_labels()
