"""A believable demo organisation: departments, roles with target tiers, locations, managers.

Synthetic names only. Deterministic for a given seed, and idempotent (found again by employee
id), so running the seeder twice changes nothing.
"""

import random

from faker import Faker

from ..tiers.models import Tier
from .models import Department, Location, Role, Staff

LOCATIONS = ["London", "Berlin", "New York", "Singapore"]
# role: (department, target tier order)
ROLES = {
    "Account Executive": ("Sales", 3),
    "Sales Manager": ("Sales", 3),
    "Customer Success Manager": ("Customer Success", 4),
    "Support Engineer": ("Support", 4),
    "Software Engineer": ("Engineering", 2),
    "Product Manager": ("Product", 3),
    "Marketing Manager": ("Marketing", 3),
    "Community Manager": ("Marketing", 4),
    "Finance Analyst": ("Finance", 1),
    "People Partner": ("People", 1),
    "VP Customer Success": ("Customer Success", 2),
    "IT Administrator": ("Engineering", 1),
}
# demo username: (employee id, role, location)
DEMO_STAFF = {
    "staff": ("D00001", "Account Executive", "London"),
    "manager": ("D00002", "Sales Manager", "London"),
    "leader": ("D00003", "VP Customer Success", "New York"),
    "editor": ("D00004", "Community Manager", "Berlin"),
    "admin": ("D00005", "IT Administrator", "London"),
}


def demo_org_ensure(*, users: dict, extra_staff: int, rng: random.Random) -> list[Staff]:
    """The organisation, a staff record for each demo account, and `extra_staff` more people."""
    tiers = {t.order: t for t in Tier.objects.all()}
    departments = {}
    roles = {}
    for name, (department, target) in ROLES.items():
        departments[department] = Department.objects.get_or_create(name=department)[0]
        roles[name] = Role.objects.get_or_create(
            name=name, defaults={"target_tier": tiers.get(target)}
        )[0]
    locations = {name: Location.objects.get_or_create(name=name)[0] for name in LOCATIONS}

    people = []
    for username, (employee_id, role, location) in DEMO_STAFF.items():
        user = users[username]
        person, _ = Staff.objects.get_or_create(
            employee_id=employee_id,
            defaults={
                "email": user.email,
                "display_name": user.get_full_name(),
                "role": roles[role],
                "department": departments[ROLES[role][0]],
                "location": locations[location],
                "start_date": "2024-04-01",
                "user": user,
            },
        )
        people.append(person)
    manager = people[1]
    Staff.objects.filter(pk=people[0].pk, manager__isnull=True).update(manager=manager)

    fake = Faker("en_GB")
    fake.seed_instance(rng.random())
    role_names = [r for r in ROLES if not r.startswith(("VP", "IT"))]
    managers = [manager]
    for n in range(extra_staff):
        employee_id = f"D{n + 100:05d}"
        first, last = fake.first_name(), fake.last_name()
        role = rng.choice(role_names)
        person, created = Staff.objects.get_or_create(
            employee_id=employee_id,
            defaults={
                "email": f"{first}.{last}.{n}@example.com".lower().replace(" ", ""),
                "display_name": f"{first} {last}",
                "role": roles[role],
                "department": departments[ROLES[role][0]],
                "location": locations[rng.choice(LOCATIONS)],
                "start_date": fake.date_between(start_date="-5y", end_date="-30d"),
                "active": rng.random() > 0.03,
                "manager": managers[0] if n < 5 else rng.choice(managers),
            },
        )
        if n % 7 == 6:
            managers.append(person)
        people.append(person)
    return people
