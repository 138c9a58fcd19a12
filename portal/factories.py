"""Factories for the portal's models, for the tests and `seed_demo`. Synthetic people only."""

import factory
import wagtail_factories
from django.contrib.auth import get_user_model

from .models import HomePage


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
