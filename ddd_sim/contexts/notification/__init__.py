"""Notification: the messages the shop would send, from the published language."""
