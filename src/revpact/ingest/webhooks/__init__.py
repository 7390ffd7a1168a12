"""Webhooks in: revpact's own and HubSpot's events, and their signatures."""
