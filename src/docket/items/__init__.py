"""An item's life: the states it passes through (:mod:`docket.items.states`) and the one
way it moves between them (:mod:`docket.items.moves`).

Intake and review share them — intake gives an item its entry state and moves it when the
requester clarifies, review moves it through its steps, decisions and approvals — so they
sit below both. The item's record itself is intake's (``docket.intake.models.Item``)."""
