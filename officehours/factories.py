"""Factories for office hours, for tests and the demo seeder."""

from datetime import time, timedelta

import factory
from django.utils import timezone

from .models import Occurrence, Series


class SeriesFactory(factory.django.DjangoModelFactory):
    title = factory.Sequence(lambda n: f"Office hours {n}")
    weekday = 2
    start_time = time(10, 0)
    duration_minutes = 45
    time_zone = "Europe/Berlin"
    capacity = 10
    location = "https://meet.example.com/office-hours"

    class Meta:
        model = Series


class OccurrenceFactory(factory.django.DjangoModelFactory):
    series = factory.SubFactory(SeriesFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=45))
    capacity = factory.LazyAttribute(lambda o: o.series.capacity)
    location = factory.LazyAttribute(lambda o: o.series.location)

    class Meta:
        model = Occurrence
