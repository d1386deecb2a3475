"""HTTP handling: the handler, routing, request and response plumbing, multipart uploads, SSE writing."""
