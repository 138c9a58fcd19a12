"""Factories for the portal's models, for the tests and `seed_demo`. Synthetic people only."""

import re

import factory
import wagtail_factories
from django.contrib.auth import get_user_model

from .models import Department, HomePage, Location, Role, Staff


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    username = factory.LazyAttributeSequence(
        lambda o, n: f"{o.first_name}.{o.last_name}.{n}".lower().replace(" ", "")
    )
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password("correct-horse-battery-staple")


class HomePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = HomePage

    title = "Welcome"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Department {n}")


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Location {n}")


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Role {n}")


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff

    employee_id = factory.Sequence(lambda n: f"E{n:06d}")
    display_name = factory.Faker("name")
    # Runs of anything but letters and digits become one dot: "Mr. Ann Lee" must not give
    # "mr..ann.lee", which is no address (the HR import, rightly, refuses it).
    email = factory.LazyAttribute(
        lambda o: (
            f"{re.sub(r'[^a-z0-9]+', '.', o.display_name.lower()).strip('.')}"
            f".{o.employee_id}@example.com"
        )
    )
    department = factory.SubFactory(DepartmentFactory)
    role = factory.SubFactory(RoleFactory)
    location = factory.SubFactory(LocationFactory)
    start_date = factory.Faker("date_between", start_date="-5y", end_date="today")
