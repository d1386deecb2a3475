"""Tests of the app's top-level modules: bridge (worker threads to Qt signals), secrets, settings,
logs, and the check that no key reaches a file. Not "services": those are assistant/api/ (tests/api/)."""
