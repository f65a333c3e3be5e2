"""Alerts: scheduled runs that speak up when something goes wrong, and never cry wolf.

What an alert is (``model``), the editable rules and their evaluation over reports'
metrics (``rules``, ``evaluate``), who was already told (``ledger``, in the store: no
alert is sent twice, a cooldown per rule, one 已恢复 line when a condition clears) and
delivery to group robots, webhooks and e-mail (``deliver``: ``deliver_planned``).

May import ``reporting.analysis``, ``reporting.intake`` and the shared modules; the run
room calls it after every report and batch.
"""
