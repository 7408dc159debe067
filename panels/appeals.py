"""Appeals against a panel's decision: the last day to lodge one, lodging it, and the appeal
authority's final decision.

The window is a setting of the route (ProgressionRoute.panel["appeal_working_days"]; Lincolnshire:
10 working days), counted in England and Wales working days. The seed does not say from which day
it runs: we count from the outcome letter. Until outcome letters exist, the letter goes the day the
decision is recorded, so the window is counted from the decision's date."""

from careerpath.working_days import add_working_days


def appeal_window_days(route):
    """The route's appeal window in working days, or None when the route allows no appeal."""
    return (route.panel or {}).get("appeal_working_days") or None


def appeal_last_day(route, counted_from):
    """The last day an appeal may be lodged, or None when the route allows no appeal.

    counted_from is the day of the outcome letter (today: the day the decision is recorded);
    that day itself does not count, so 10 working days from a Friday end on the second Friday
    after it, or later when a bank holiday falls in between."""
    days = appeal_window_days(route)
    if not days:
        return None
    return add_working_days(counted_from, int(days))
