<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="id_ID">
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
</TS>
