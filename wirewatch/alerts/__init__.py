"""Alerts: saved queries matched against new articles, and the delivery channels.

Each channel is one module behind the ``Notifier`` seam (``base.py``): it sends one
``Delivery`` and says how it went (``SendResult``); the outbox worker decides what comes
next (retry with backoff, disable the channel, done).
"""

from __future__ import annotations
