"""Deploy-time findings of BPMN validation; the shared error classes live in app.errors."""
from dataclasses import dataclass

from app.errors import InvalidInput


@dataclass
class Problem:
    """One finding of BPMN validation, located as precisely as we can."""

    message: str
    file: str = ""
    element: str = ""
    line: int | None = None
    severity: str = "error"  # error | warning

    def to_dict(self):
        return {"message": self.message, "file": self.file, "element": self.element,
                "line": self.line, "severity": self.severity}

    def __str__(self):
        where = ":".join(str(p) for p in (self.file, self.line) if p)
        elem = f" [{self.element}]" if self.element else ""
        return f"{where}{elem} {self.message}".strip()


class DeployError(InvalidInput):
    """BPMN refused at deploy time; `problems` lists every finding."""

    status = 400
    code = "invalid_bpmn"

    def __init__(self, problems):
        self.problems = list(problems)
        first = str(self.problems[0]) if self.problems else ""
        more = f"（另有 {len(self.problems) - 1} 处问题）" if len(self.problems) > 1 else ""
        super().__init__(f"流程定义校验未通过：{first}{more}")

    def to_dict(self):
        return {"error": self.code, "message": self.message,
                "problems": [p.to_dict() for p in self.problems]}
