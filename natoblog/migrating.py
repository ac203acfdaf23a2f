"""Helpers for the migrations that moved models out of the comments app (into mail and
subscriptions) without touching their tables: the models' content types (and with them
permissions, admin history and group rights) follow the models, and tasks queued under the
old module paths are pointed at the new ones."""


def move_content_types(apps, old_app, new_app, models):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in models:
        taken = ContentType.objects.filter(app_label=new_app, model=model).exists()
        old = ContentType.objects.filter(app_label=old_app, model=model)
        if not taken:
            old.update(app_label=new_app)


def move_content_types_back(apps, old_app, new_app, models):
    move_content_types(apps, new_app, old_app, models)


def rename_task_paths(apps, renames):
    """Point queued tasks (django-tasks' database backend) at the tasks' new paths."""
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    for old, new in renames.items():
        DBTaskResult.objects.filter(task_path=old).update(task_path=new)
