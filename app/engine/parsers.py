"""The two dialects' parsers, with error start events read as such.

SpiffWorkflow 3.2's start-event parser knows message, signal, timer and conditional starts only: an error
start of an event subprocess became a plain start and the subprocess ran at once. Reading the error
definition as well makes the library trigger the subprocess when the error is thrown.
"""
from SpiffWorkflow.bpmn.parser.event_parsers import (
    CONDITIONAL_EVENT_XPATH,
    ERROR_EVENT_XPATH,
    MESSAGE_EVENT_XPATH,
    SIGNAL_EVENT_XPATH,
    TIMER_EVENT_XPATH,
)
from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.parser.event_parsers import CamundaStartEventParser
from SpiffWorkflow.spiff.parser.event_parsers import SpiffStartEventParser
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

START_DEFINITIONS = [MESSAGE_EVENT_XPATH, SIGNAL_EVENT_XPATH, TIMER_EVENT_XPATH, CONDITIONAL_EVENT_XPATH,
                     ERROR_EVENT_XPATH]


def _create_start(parser):
    task = parser._create_task(parser.get_event_definition(START_DEFINITIONS))
    parser.spec.start.connect(task)
    return task


class _SpiffStart(SpiffStartEventParser):
    def create_task(self):
        return _create_start(self)


class _CamundaStart(CamundaStartEventParser):
    def create_task(self):
        return _create_start(self)


def _with_start(base, start_parser):
    tag = full_tag("startEvent")
    overrides = dict(base.OVERRIDE_PARSER_CLASSES)
    overrides[tag] = (start_parser, overrides[tag][1])
    return type(f"QS{base.__name__}", (base,), {"OVERRIDE_PARSER_CLASSES": overrides})


SpiffParser = _with_start(SpiffBpmnParser, _SpiffStart)
CamundaDialectParser = _with_start(CamundaParser, _CamundaStart)


def parser_for(dialect):
    """A fresh parser (with XSD validation) for `spiff` or `camunda` BPMN."""
    return CamundaDialectParser(validator=VALIDATOR) if dialect == "camunda" else SpiffParser(validator=VALIDATOR)
