// Print, as JSON, each event's UID with its start and end in UTC seconds, as Mozilla's
// ical.js (Thunderbird, many web calendars) reads them. Usage: node ical_times.mjs FILE…
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const result = {};
for (const path of process.argv.slice(2)) {
  const calendar = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));
  for (const zone of calendar.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  }
  const events = {};
  for (const component of calendar.getAllSubcomponents("vevent")) {
    const event = new ICAL.Event(component);
    events[event.uid] = [event.startDate.toUnixTime(), event.endDate.toUnixTime()];
  }
  result[path] = { components: calendar.getAllSubcomponents().length, events };
  ICAL.TimezoneService.reset();
}
process.stdout.write(JSON.stringify(result));
