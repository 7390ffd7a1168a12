"""The scoreboard: each month's facts against the goals of the agreement in force."""
