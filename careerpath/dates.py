"""Dates as GOV.UK writes them: "8 April 2027". Plain Python (the rule evaluator, which imports no
Django, writes its reasons with it too); a datetime is read in the service's time zone."""

import calendar
import datetime


def long_date(value):
    if isinstance(value, datetime.datetime):
        from django.utils import timezone

        if timezone.is_aware(value):
            value = timezone.localtime(value)
    return f"{value.day} {calendar.month_name[value.month]} {value.year}"
