"""A local server that speaks the Anthropic API over real HTTP.

It imports nothing of the app: the tests, the benchmarks and the app's offline mode all run against it,
and the official SDK cannot tell it from the real API for what the app uses.

Layout: `server` (SandboxServer: configuration, stores, start and stop), `http` (the handler, routing,
uploads, server-sent events, body and multipart reading), `request` (a Messages body validated and parsed
into typed records), `answer` (passages chosen, blocks and citations, usage and prompt-cache accounting,
the Message object and its stream events), `reading` (document text, image sizes, the tokenizer),
`storage` (uploaded files), `batches`, `faults`, `models`, `clock`, `errors`.
"""
