"""Document Assistant: ask Claude about your documents, with managed Files API uploads."""

__version__ = "0.1.0"
APP_NAME = "Document Assistant"
APP_ID = "io.github.documentassistant.DocumentAssistant"
