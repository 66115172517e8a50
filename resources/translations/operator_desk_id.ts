<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="id_ID">
<context>
    <name>AgenciesDialog</name>
    <message>
        <source>Agencies</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Active</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Radio</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>WhatsApp</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Categories</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kecamatan (none: all)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Acknowledge within</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Arrive within</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only a supervisor can edit the agencies</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CallLogModel</name>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Operator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duration</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CallLogPanel</name>
    <message>
        <source>Search number, name or text (Ctrl+F)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All outcomes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All categories</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dates</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CallerHistoryView</name>
    <message>
        <source>Incident {number} · {category} · {status} · {when}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call {when} · {outcome}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>First call from this number</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DeskStatusBar</name>
    <message>
        <source>Desk {code}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Local only — no server configured</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On duty: {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No operator on duty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SIP</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Simulator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Manual entry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not registered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>restarting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no audio device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PC clock wrong — sync refused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sync refused: desk not enrolled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Online</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Offline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} changes waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>last sync {t}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} conflicts</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HandoverView</name>
    <message>
        <source>Start shift</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>End shift and hand over</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notes for the next shift</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Overdue referrals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From the previous shift:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shift of %1 since %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No shift started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(no notes)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(no earlier handover)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>red</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>amber</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 at %2 (%3 tries)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot start the shift: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot end the shift: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Handover saved</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>IncidentForm</name>
    <message>
        <source>New incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>— choose —</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No location yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Street, house, directions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. behind the mosque</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What happened, who is hurt, what is needed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Attach call to it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save as &amp;new incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save (Ctrl+Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refer (Ctrl+R)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Place</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Landmark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Caller name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Caller number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Narrative</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Casualties</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refer to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replace location?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The location was already confirmed. Replace it with the new point?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Desa {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kec. {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Location set</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved {number}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Possible duplicate: {number} ({category}, {status}) is open nearby. Attach this call to it (Alt+A) or save as new (Alt+N)?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call attached to {number}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a category first: agencies are suggested by category and place</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Will refer to: {names}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Draft restored</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>IncomingCallBar</name>
    <message>
        <source>manual call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On the line: {who}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>caller hung up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>F5 ghost · F6 prank · F7 information · F8 wrong number · F9 emergency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ringing: {who}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(+{n} waiting)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>F2 answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>F2 open a manual call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Repeat prank caller: {n} pranks</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <source>Emergency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Information</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Prank</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ghost / silent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrong number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Abandoned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fire</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Medical</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Traffic accident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Crime and security</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Domestic violence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disaster: flood</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disaster: landslide</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disaster: fallen tree</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Animal: snake</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Animal: bees</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Utility: electricity (PLN)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Utility: water (PDAM)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Utility: street light</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Missing person</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Other</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Referred</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On scene</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>P1 — life in danger now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>P2 — urgent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>P3 — soon</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>P4 — can wait</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unknown category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unknown priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Coordinates out of range</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Must be a whole number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Too long</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The status cannot move back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The call has already ended</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Village</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Urban village</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>District</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Regency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Place</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Landmark</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LocationSearch</name>
    <message>
        <source>Desa, kecamatan, landmark… (a few letters)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Address (no region loaded)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Operator Desk — 112</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Caller history</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Who is on duty?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On duty:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Answer / manual call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ghost / silent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Prank</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Information request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrong number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Emergency: incident form</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refer to agency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search the call log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Operator keys</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No call to close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The caller&apos;s phone sent a location: Ctrl+L to use it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use the caller&apos;s device location</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Desk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agencies…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Training</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Simulate a ringing call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Simulate: caller hangs up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Answer the ringing call (or open a manual call)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close the call as ghost / silent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close the call as prank</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close the call as information request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close the call as wrong number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Emergency: open the incident form</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refer the incident to an agency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On duty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Who is on duty at this desk?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Referrals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shift handover</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Statistics</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MapBinding</name>
    <message>
        <source>Add landmark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name of the place:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MapHost</name>
    <message>
        <source>Loading the region map…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No region pack. Start with --region FOLDER or install one with &apos;operator-desk region import&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MapPanel</name>
    <message>
        <source>N</source>
        <comment>north arrow</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} km</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} m</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>±{0} km</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>±{0} m</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} s ago</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} min ago</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} h ago</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add landmark here…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fit to region</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReferralBoard</name>
    <message>
        <source>Incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On scene</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Feedback</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Due at %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agency feedback</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disposition</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Supervisor override reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Acknowledged (A)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On scene (S)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Feedback (F)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close (C)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re-send (R)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Escalate (E)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Escalate to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alert sound unavailable: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a referral first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the agency to escalate to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recorded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incident closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>That step is already recorded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>That step is already past</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The referral is closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The agency&apos;s feedback is missing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the disposition first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only a supervisor can override</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the reason for the override</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The incident is closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose another agency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not possible: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReplayWidget</name>
    <message>
        <source>Caller</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Operator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>seconds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Play</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No audio output device: cannot play the recording.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The recording file cannot be read.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Telephony</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Manual entry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Simulator (training)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SIP softphone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. sip:10.0.0.5 (empty: direct calls only)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SIP registrar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SIP user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SIP password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SIP port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Audio</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ring tone on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ring volume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Headset microphone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microphone level</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Headset earphone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Audio devices are not available: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No microphone found.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} (not connected)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microphone cannot be opened: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microphone stopped: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings not saved: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StatsPanel</name>
    <message>
        <source>Show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>7 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>30 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calls by hour of day (WITA)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calls per day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calls</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kecamatan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Referrals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ack (med / p90)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On scene (med / p90)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Feedback (med / p90)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Escalated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Operator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Answer (med / p90)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Handling (med / p90)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Categories</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agencies</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Operators</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Statistics failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Emergency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Information</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Prank</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ghost (silent)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrong number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Abandoned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fire</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Medical</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Traffic accident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Crime / security</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Domestic violence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flood</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Landslide</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fallen tree</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Snake</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bees</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Electricity (PLN)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Water (PDAM)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Street light</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Missing person</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Other</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 calls, %2 incidents, %3 referrals. Answer %4, handling %5 (median / p90, min:s).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Updated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All calls</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TelephonyBinding</name>
    <message>
        <source>No device location for this call</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
