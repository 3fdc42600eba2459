// The team workspace (/teams/{id}), made live: the team channel (chat, presence, activity,
// help calls, announcements, the document list), the shared editor (workspace/editor.js),
// the submit panel posting through the JSON API and showing each verdict as it arrives, and
// the Endpoints panel setting the team's service URLs through the same API, the clock, and the
// phase: the workspace opens when the event starts and closes when it ends, without a reload.
// The server-rendered page works without this script; this only enhances it. Each panel lives
// in workspace/; this entry reads the page and wires them together.
import { workspaceContext } from "../workspace/context.js";
import { liveStatus } from "../workspace/status.js";
import { inviteLink } from "../workspace/invite.js";
import { teamChannel } from "../workspace/channel.js";
import { chatPanel } from "../workspace/chat.js";
import { ladderPanel } from "../workspace/ladder.js";
import { activityFeed } from "../workspace/activity.js";
import { helpPanel } from "../workspace/help.js";
import { questionsPanel } from "../workspace/questions.js";
import { announcementList } from "../workspace/announcements.js";
import { presencePanel } from "../workspace/presence.js";
import { documentsPanel } from "../workspace/documents.js";
import { submitPanel } from "../workspace/submit.js";
import { endpointsPanel } from "../workspace/endpoints.js";
import { teamHeader } from "../workspace/team.js";
import { workspaceClock } from "../workspace/clock.js";
import { phaseParts } from "../workspace/phase.js";
import { localTimes } from "../lib/time.js";

localTimes();

const root = document.getElementById("workspace");
if (root) start(root);

function start(root) {
  const page = workspaceContext(root);
  const status = liveStatus(page.$("live-status"));
  inviteLink(page.$);
  const channel = teamChannel(page, status);
  const ctx = { ...page, channel, flash: status.flash };

  // Panels are built in the page's order. Some call panels built after them (`documents`,
  // `submit`), but only from frames, clicks and timers, which all come after start() returns
  // (the channel connects asynchronously) — by then every panel exists.
  chatPanel(ctx);
  const ladder = ladderPanel(ctx);
  activityFeed(ctx, {
    markRung: ladder.mark,
    onVerdict: (outcome) => submit.verdictArrived(outcome),
    onSignOff: (item) => submit.signOffArrived(item),
    team: teamHeader(ctx),
  });
  helpPanel(ctx);
  questionsPanel(ctx);
  announcementList(ctx);
  const presence = presencePanel(ctx, {
    documentId: () => documents.current(),
    documentTitle: (id) => documents.title(id),
    onChange: () => documents.render(),
  });
  const documents = documentsPanel(ctx, {
    status,
    presence,
    onChange: (list) => submit.renderDocuments(list),
  });
  const endpoints = endpointsPanel(ctx);
  const submit = submitPanel(ctx, {
    documents: () => documents.list(),
    markRung: ladder.mark,
    endpoints: () => endpoints.urls(),
  });
  // The phase follows the clock: at the start the challenges and the form appear, at the end
  // the form goes, without a reload (the server renders the parts; phase.js swaps them in).
  const parts = phaseParts(ctx, {
    onSwapped({ submitSwapped }) {
      clock.reload();
      if (submitSwapped) submit.bindForm();
    },
  });
  const clock = workspaceClock(ctx, { onPhase: (phase) => parts.refresh(phase) });

  status.show();
  documents.render();
}
