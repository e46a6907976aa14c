"""The programme dashboard: trained people and enrolled enterprises against the targets."""
