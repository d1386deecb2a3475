"""A local server that speaks the Anthropic API over real HTTP.

It imports nothing of the app: the tests, the benchmarks and the app's offline mode all run against it,
and the official SDK cannot tell it from the real API for what the app uses.
"""
