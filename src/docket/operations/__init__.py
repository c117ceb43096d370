"""Operations: the request id every answer and log line carries, docket's logging
(text or JSON lines), and the Prometheus metrics at ``GET /metrics``."""
