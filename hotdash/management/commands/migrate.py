from django.core.management.commands.migrate import Command as DjangoMigrateCommand


class Command(DjangoMigrateCommand):
    """`migrate`, run by default with the owner connection (DATABASE_OWNER_URL).

    The runtime role may not create or alter anything, so migrations need the role that owns the schema.
    """

    help = DjangoMigrateCommand.help + " Uses the 'owner' database (DATABASE_OWNER_URL) unless --database says otherwise."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(database="owner")
