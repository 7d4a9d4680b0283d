"""The activity feed: every platform event, filed once, listed, and streamed live (SSE)."""
