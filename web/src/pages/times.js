// Pages without a live part of their own (an event, the list of events, the new-event form,
// the author's page): every time shown and entered in the reader's time zone (lib/time.js).
import { localTimes } from "../lib/time.js";

localTimes();
