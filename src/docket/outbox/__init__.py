"""The outbox: every message and webhook docket sends, written in the transaction of the
change that causes it (:mod:`docket.outbox.service`).

It sits below intake, so that a request's acknowledgement is queued with the request
(a 201 means it is), and below every step after it. Delivering is the notices package's:
its worker reads this table, composes each message from the records it names and sends it."""
