"""Tests of assistant/api/: the services on the sandbox over real HTTP (chat, files, failures), and
parsing, pricing and errors without it. Mirrors the package module by module."""
