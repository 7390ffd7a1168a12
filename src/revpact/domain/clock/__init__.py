"""Business time: the calendar, a lead's SLA deadline, and durations as people write them."""
