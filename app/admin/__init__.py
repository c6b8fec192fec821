"""Process administration: definitions, browser modeler, validation, deploy, version diff."""
