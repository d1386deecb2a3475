"""API services: plain Python over the official SDK, no Qt. Nothing here imports ``anthropic`` at
module load; the client factory imports it on first use (it costs about a second)."""
