"""Shared test settings: hypothesis profiles sized so `make test` stays quick."""
from hypothesis import HealthCheck, settings

settings.register_profile("course", max_examples=40, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("course")
