"""``python -m docket``: the same as the ``docket`` command."""

try:
    from docket.cli import main
except KeyboardInterrupt:  # stopped while starting (``docket serve`` stops its worker with SIGINT)
    raise SystemExit(130) from None

main()
