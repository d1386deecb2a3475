"""Request parsing: Messages, count_tokens and batch request bodies validated into typed records."""
