"""Reading the text out of documents — letters, orders, e-mails and their attachments,
scans — safely, in paragraphs that keep their source, page and language:
:func:`docket.extraction.service.extract`. (Nothing is imported here: the child process
that reads a file, :mod:`docket.extraction.readers`, starts with only what it needs.)"""
