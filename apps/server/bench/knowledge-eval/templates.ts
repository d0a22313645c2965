// The hand-written material of the knowledge evaluation set: problems as an MSP meets them, in
// families of near-misses. A family is one symptom ("Outlook keeps asking for the password") with
// several root causes; each cause is one group of true duplicates. Tickets of one family share the
// symptom's wording, its first checks and its usual dead ends (the family's lines); only the
// cause's own lines (what the engineer noticed, what was tried, what fixed it) tell the causes
// apart, as they do for a senior reading the ticket. generate.ts draws tickets from these.
// Placeholders: {client}, {user}, {device}, {site}.

export type TTemplateLine = { label: string; outcome: string };

export type TCauseTemplate = {
  /** Stable label of the root cause: tickets with the same cause are true duplicates. */
  cause: string;
  /** Ways an engineer writes this cause's ticket title (beside the family's). */
  summaries: string[];
  /** What the engineer noticed: observations, error text, context. */
  notes: string[];
  /** What was tried on the way to the cause. */
  steps: string[];
  /** The branch marked resolved (one is drawn per ticket). */
  fixes: TTemplateLine[];
  /** The resolution note. */
  resolutions: string[];
  /** A problem the account has never resolved: it appears only as a query, with no true match. */
  isNovel?: boolean;
};

export type TFamilyTemplate = {
  family: string;
  domain: string;
  /** Titles that fit every cause of the family: the shared symptom. */
  summaries: string[];
  /** First checks anyone makes for this symptom, whatever the cause. */
  steps: string[];
  /** Lines of enquiry commonly ruled out for this symptom. */
  deadEnds: TTemplateLine[];
  causes: TCauseTemplate[];
};

export const CLIENTS = [
  "Harbor Dental",
  "Pine Valley Law",
  "Northwind Traders",
  "Contoso Clinic",
  "Fabrikam Freight",
  "Bluebird Accounting",
  "Cedar Ridge Vets",
  "Alder & Finch Architects",
  "Lakeside Physio",
  "Summit Roofing",
  "Greenleaf Nursery",
  "Marlow Estate Agents",
  "Riverbend School",
  "Oakhurst Surgery",
  "Tidewater Logistics",
  "Kestrel Insurance",
];
export const USERS = [
  "the CFO",
  "reception",
  "the practice manager",
  "a new starter",
  "the MD",
  "two users in accounts",
  "the warehouse lead",
  "Priya in HR",
  "Tom (sales)",
  "the office manager",
  "a remote worker",
  "Dr Patel",
  "the whole front desk",
  "Jen in payroll",
];
export const DEVICES = [
  "Latitude 5440",
  "Surface Laptop 5",
  "ThinkPad T14",
  "HP EliteBook 840",
  "OptiPlex 7010",
  "iPhone 14",
  "Galaxy S23",
  "MacBook Air",
];
export const SITES = [
  "the main office",
  "the branch site",
  "head office",
  "the Leeds site",
  "the annex",
  "the warehouse",
];
/** Notes that say nothing about the cause: every ticket gets one or two. */
export const GENERIC_NOTES = [
  "User says it started on Monday.",
  "Rebooted, no change.",
  "Affects only this user as far as we know.",
  "Client wants it fixed before the board meeting.",
  "Remote session via ScreenConnect.",
  "Checked Windows Update history, nothing unusual.",
  "User is working around it for now.",
  "Second ticket from this client this week.",
  "Called the user back at 14:00 as agreed.",
  "Escalated from first line after 30 minutes.",
];

const fix = (label: string, outcome: string): TTemplateLine => ({ label, outcome });

export const FAMILIES: TFamilyTemplate[] = [
  {
    family: "Outlook password prompt",
    domain: "Microsoft 365",
    summaries: [
      "Outlook keeps asking for the password for {user} at {client}",
      "Outlook password prompt loops ({client})",
      "{user} gets repeated credential prompts in Outlook",
      "Outlook prompting for credentials every few minutes - {client}",
      "Password box keeps popping up in Outlook on {device}",
    ],
    steps: [
      "Cleared the cached credentials in Credential Manager",
      "Signed out of Office and back in",
      "Checked the Microsoft 365 service health page: no incident",
      "Ran the Outlook connectivity test from Microsoft Support and Recovery Assistant",
    ],
    deadEnds: [
      fix("Recreate the Outlook profile", "Still prompted after the new profile synced"),
      fix("Repair the Office install", "Quick repair done, prompt came back"),
      fix("Reset the user's password", "New password accepted, prompt continued"),
    ],
    causes: [
      {
        cause: "m365.outlook-prompt.mfa-reregistration",
        summaries: [
          "Outlook asks for password after {user} replaced their phone",
          "Credential prompts in Outlook since new mobile - MFA?",
        ],
        notes: [
          "User got a new phone last week and did not move the Authenticator app.",
          "Sign-in logs show MFA interrupted: strong authentication required (AADSTS50076).",
          "Authenticator notifications never arrive on the new handset.",
          "Entra sign-in log: AADSTS50074, the MFA method on file is the old phone.",
        ],
        steps: [
          "Checked the Entra sign-in logs for the user",
          "Looked at the user's registered authentication methods in Entra",
          "Tried approving the sign-in with the text message fallback",
        ],
        fixes: [
          fix(
            "Reset the MFA registration",
            "Re-registered the Authenticator on the new phone; no more prompts",
          ),
          fix(
            "Require re-register MFA in Entra",
            "User enrolled the new handset at next sign-in, Outlook connected",
          ),
        ],
        resolutions: [
          "Stale MFA registration after the phone was replaced. Reset the methods and re-registered the Authenticator.",
          "MFA was still bound to the old handset; required re-registration and the prompts stopped.",
          "Cause: Authenticator on a phone the user no longer has. Re-registered MFA.",
        ],
      },
      {
        cause: "m365.outlook-prompt.stale-credential",
        summaries: [
          "Outlook prompts for password since the password change",
          "Outlook still using old password for {user}",
        ],
        notes: [
          "Password was changed on Friday through the self-service portal.",
          "Windows Credential Manager has two MicrosoftOffice16_Data entries for the mailbox.",
          "The prompt shows the old UPN from before the rename.",
          "Sign-in logs show error 50126: invalid username or password, from the laptop only.",
        ],
        steps: [
          "Compared the sign-in log failures with the time of the password change",
          "Checked the Office identity cache under HKCU\\Software\\Microsoft\\Office\\16.0\\Common\\Identity",
        ],
        fixes: [
          fix(
            "Remove the stale Office identity and cached token",
            "Deleted the identity registry keys and WAM tokens; signed in once with the new password",
          ),
          fix("Clear the WAM token cache", "Cleared AAD BrokerPlugin cache, Outlook took the new password"),
        ],
        resolutions: [
          "Office held a cached token for the old password. Removed the stale identity and WAM cache.",
          "Old credential cached in the Office identity store after the password change; cleared it.",
          "Stale credential in the token broker since the password reset; cache cleared and re-signed in.",
        ],
      },
      {
        cause: "m365.outlook-prompt.licence-removed",
        summaries: ["Outlook asks for a password and then says it cannot connect - {client}"],
        notes: [
          "The user's Business Premium licence was removed during the licence clean-up.",
          "Admin centre shows the user as unlicensed since Tuesday.",
          "OWA says the mailbox is unavailable; the account has no Exchange Online plan.",
          "Finance reassigned licences at month end.",
        ],
        steps: [
          "Checked the licences assigned to the user in the Microsoft 365 admin centre",
          "Tried signing in to OWA: mailbox not found",
        ],
        fixes: [
          fix(
            "Reassign the Microsoft 365 licence",
            "Assigned Business Premium again; mailbox reconnected within 20 minutes",
          ),
          fix("Restore the Exchange Online plan on the licence", "Mailbox back, Outlook connected"),
        ],
        resolutions: [
          "Licence had been removed in a clean-up; reassigned it and the mailbox came back.",
          "No Exchange Online licence after the month-end licence change. Reassigned.",
          "Unlicensed account after the licence reshuffle; licence restored.",
        ],
      },
    ],
  },
  {
    family: "Mail bounces",
    domain: "Microsoft 365",
    summaries: [
      "Emails to {client}'s supplier bouncing back",
      "{user} getting NDRs when sending to external addresses",
      "Outbound mail rejected for {client}",
      "Bounce-back messages on external mail",
    ],
    steps: [
      "Ran a message trace in the Exchange admin centre",
      "Checked the NDR text the user forwarded",
      "Confirmed internal mail still delivers",
    ],
    deadEnds: [
      fix("Check the recipient address for typos", "Address correct, still bounces"),
      fix("Clear the Outlook autocomplete entry", "Bounced again with a freshly typed address"),
    ],
    causes: [
      {
        cause: "m365.bounce.external-forwarding-blocked",
        summaries: [
          "Forwarded mail bounced with 550 5.7.520",
          "Auto-forward to personal mailbox fails 5.7.520",
        ],
        notes: [
          "NDR: 550 5.7.520 Access denied, Your organization does not allow external forwarding.",
          "User has an inbox rule forwarding to their Gmail.",
          "Only auto-forwarded messages bounce; direct mail is fine.",
        ],
        steps: ["Looked at the user's inbox rules", "Checked the outbound spam filter policy"],
        fixes: [
          fix(
            "Allow automatic forwarding in the outbound spam policy for this mailbox",
            "Custom outbound policy with forwarding on; forwarded mail delivered",
          ),
          fix("Replace the inbox rule with a mail flow rule", "Forwarding works through the approved rule"),
        ],
        resolutions: [
          "External forwarding blocked by the default outbound spam policy (5.7.520); scoped an allow policy.",
          "5.7.520 from the outbound anti-spam policy. Forwarding allowed for that mailbox only.",
        ],
      },
      {
        cause: "m365.bounce.spf-fail",
        summaries: ["Mail to some recipients rejected as spoofing"],
        notes: [
          "NDR: 550 5.7.23 The message was rejected because of Sender Policy Framework violation.",
          "New marketing platform was added last month sending as the domain.",
          "SPF record has 11 DNS lookups: permerror.",
          "Remote server says SPF check failed for the sending IP.",
        ],
        steps: ["Checked the domain's SPF record with MXToolbox", "Reviewed the message headers: spf=fail"],
        fixes: [
          fix(
            "Flatten the SPF record and add the new sender",
            "SPF under 10 lookups, passes; mail delivered",
          ),
          fix("Correct the SPF include list", "spf=pass in the headers, bounces stopped"),
        ],
        resolutions: [
          "SPF record exceeded 10 lookups after the marketing tool was added; flattened it.",
          "SPF failure (5.7.23): sender missing from the record. Record fixed.",
        ],
      },
      {
        cause: "m365.bounce.mailbox-full",
        summaries: ["Mail bouncing because the recipient mailbox is full"],
        notes: [
          "NDR: 554 5.2.2 mailbox full; the recipient is an internal shared mailbox.",
          "Shared mailbox at 49.9 GB of 50 GB.",
          "Only mail to the accounts@ shared mailbox bounces.",
        ],
        steps: ["Checked the mailbox size in the Exchange admin centre", "Looked at the archive settings"],
        fixes: [
          fix(
            "Enable the online archive and a retention policy",
            "Archive moved 18 GB, mail delivering again",
          ),
          fix("Licence the shared mailbox for 100 GB", "Quota raised, queued mail delivered"),
        ],
        resolutions: [
          "Shared mailbox hit its 50 GB quota (5.2.2); enabled archiving with a 2-year move policy.",
          "Mailbox full. Archive on and old items moved.",
        ],
      },
    ],
  },
  {
    family: "Teams and OneDrive sync",
    domain: "Microsoft 365",
    summaries: [
      "OneDrive not syncing for {user}",
      "Files not syncing to SharePoint at {client}",
      "OneDrive stuck, red cross on the cloud icon",
      "Sync problems with the shared library on {device}",
    ],
    steps: [
      "Paused and resumed sync",
      "Checked the OneDrive activity centre",
      "Confirmed the files open fine in the browser",
    ],
    deadEnds: [
      fix("Reset the OneDrive client", "onedrive.exe /reset, same state after the resync"),
      fix("Unlink and relink the PC", "Relinked, still stuck"),
    ],
    causes: [
      {
        cause: "m365.sync.path-too-long",
        summaries: ["OneDrive sync stuck on processing changes"],
        notes: [
          "Activity centre lists files that can't sync: the path is too long.",
          "Project folders nested 12 levels deep with long client names.",
          "Error 0x8007006F on a handful of files.",
        ],
        steps: ["Exported the list of files that failed", "Measured the longest path: 412 characters"],
        fixes: [
          fix("Shorten the folder structure", "Moved the archive up two levels; sync completed"),
          fix("Enable long paths and move the library root", "Paths under 400 characters, sync cleared"),
        ],
        resolutions: [
          "Paths over the 400 character limit blocked the queue; restructured the project folders.",
          "Deep nesting made paths too long. Folder structure flattened.",
        ],
      },
      {
        cause: "m365.sync.storage-quota",
        summaries: ["OneDrive says storage is full"],
        notes: [
          "OneDrive shows 1 TB of 1 TB used.",
          "User synced a camera backup of 600 GB into OneDrive.",
          "Banner: your OneDrive is full, files won't upload.",
        ],
        steps: ["Checked the storage metrics in OneDrive settings"],
        fixes: [
          fix("Move the camera backup to the NAS", "Freed 640 GB, sync resumed"),
          fix("Clear the OneDrive recycle bin after cleanup", "Quota released, uploads working"),
        ],
        resolutions: [
          "OneDrive quota exhausted by a personal photo backup; moved it off and emptied the recycle bin.",
          "Storage full. Large backup folder relocated to the NAS.",
        ],
      },
      {
        cause: "m365.sync.files-on-demand-disk",
        summaries: ["OneDrive sync errors and C: drive almost full"],
        notes: [
          "C: has 800 MB free; the whole team site is set to always keep on this device.",
          "Windows warning: low disk space.",
          "Sync error 0x80070070: not enough space on the disk.",
        ],
        steps: ["Ran TreeSize on C:", "Checked Files On-Demand in OneDrive settings"],
        fixes: [
          fix(
            "Free up space with Files On-Demand",
            "Set the library to online-only; 90 GB freed, sync finished",
          ),
          fix("Turn Files On-Demand back on", "Files dehydrated, disk at 40% free"),
        ],
        resolutions: [
          "Local disk full (0x80070070) because everything was pinned offline; switched to Files On-Demand.",
          "Disk full from always-keep-on-device; freed space with Files On-Demand.",
        ],
      },
    ],
  },
  {
    family: "VPN disconnects",
    domain: "Network / VPN",
    summaries: [
      "VPN drops every few minutes for {user}",
      "{client} remote workers keep losing the VPN",
      "FortiClient disconnects randomly",
      "VPN connection unstable from home",
      "VPN keeps dropping - {client}",
    ],
    steps: [
      "Checked the VPN logs on the firewall",
      "Asked the user to test on a wired connection",
      "Confirmed the FortiClient version is current",
    ],
    deadEnds: [
      fix("Reinstall the VPN client", "Fresh install, still drops"),
      fix("Restart the home router", "No change after the router reboot"),
    ],
    causes: [
      {
        cause: "network.vpn.mtu-fragmentation",
        summaries: ["VPN connects but apps freeze and then it drops"],
        notes: [
          "Ping with -f -l 1400 fails, 1300 works: MTU issue on the tunnel.",
          "User's ISP is a 4G router with PPPoE.",
          "Large file copies stall, small pages load fine.",
        ],
        steps: [
          "Ran ping with the don't-fragment bit at decreasing sizes",
          "Captured traffic on the tunnel interface",
        ],
        fixes: [
          fix("Lower the tunnel MTU to 1350 and clamp MSS", "Stable for a full day, copies complete"),
          fix("Set TCP MSS clamping on the firewall", "No drops since the change"),
        ],
        resolutions: [
          "Fragmentation over PPPoE/4G: MTU lowered and MSS clamped on the SSL VPN.",
          "MTU too large for the user's link; clamped MSS to 1310.",
        ],
      },
      {
        cause: "network.vpn.dpd-timeout",
        summaries: ["IPsec tunnel to the branch drops every hour"],
        notes: [
          "Firewall log: IKE dead peer detection timeout, phase 1 renegotiation.",
          "Drops line up with the IKE SA lifetime of 3600 s.",
          "The two ends have mismatched phase 2 lifetimes (3600 vs 28800).",
        ],
        steps: ["Compared the IKE phase 1 and 2 settings on both ends", "Enabled IKE debug logging"],
        fixes: [
          fix("Match the IPsec lifetimes and DPD settings on both ends", "Tunnel up for 72 h without a drop"),
          fix("Align phase 2 lifetime and enable keepalives", "Rekey now seamless"),
        ],
        resolutions: [
          "Mismatched IPsec lifetimes made each rekey fail DPD; aligned both peers.",
          "Phase 2 lifetime mismatch. Settings matched on both firewalls.",
        ],
      },
      {
        cause: "network.vpn.wifi-power-saving",
        summaries: ["VPN drops when the laptop is on battery"],
        notes: [
          "Only happens on Wi-Fi and on battery; fine when plugged in.",
          "Event log: the Intel Wi-Fi adapter was reset by power management.",
          "Netsh wlan report shows disconnects with reason 'power state change'.",
        ],
        steps: ["Ran netsh wlan show wlanreport", "Checked the Wi-Fi adapter's power management tab"],
        fixes: [
          fix(
            "Disable Wi-Fi adapter power saving",
            "Unticked 'allow the computer to turn off this device'; no drops",
          ),
          fix("Update the Intel Wi-Fi driver and set maximum performance", "Stable on battery"),
        ],
        resolutions: [
          "Wireless adapter power saving dropped the link on battery; disabled it and updated the driver.",
          "Power management turned the Wi-Fi card off. Setting changed.",
        ],
      },
    ],
  },
  {
    family: "Slow or failing name resolution",
    domain: "Network / VPN",
    summaries: [
      "Websites slow to load at {site}",
      "DNS resolution slow on the branch network",
      "Intermittent 'server not found' at {client}",
      "Internal names not resolving for {user}",
    ],
    steps: ["Ran nslookup against each DNS server", "Flushed the DNS cache with ipconfig /flushdns"],
    deadEnds: [
      fix("Restart the DNS Client service", "No improvement"),
      fix("Swap the switch port", "Same behaviour on another port"),
    ],
    causes: [
      {
        cause: "network.dns.dead-forwarder",
        summaries: ["Every first page load takes 5 seconds"],
        notes: [
          "The DC's DNS forwarders still point at the old ISP's resolvers, one does not answer.",
          "nslookup shows timeouts on 194.168.4.100 before the answer.",
          "Problem started after the ISP migration.",
        ],
        steps: ["Checked the forwarders on the domain controllers", "Timed queries with Resolve-DnsName"],
        fixes: [
          fix(
            "Replace the dead DNS forwarders",
            "Forwarders set to the new ISP and 1.1.1.1, lookups instant",
          ),
        ],
        resolutions: [
          "DC forwarders pointed at the old ISP's resolver, which timed out; updated the forwarders.",
          "Dead forwarder after the ISP change. Forwarders replaced.",
        ],
      },
      {
        cause: "network.dns.dhcp-wrong-server",
        summaries: ["Can't reach the file server by name from the new VLAN"],
        notes: [
          "ipconfig /all shows 8.8.8.8 as the only DNS server.",
          "The new guest/staff VLAN scope was copied from the guest scope.",
          "Internal names fail, public sites work.",
        ],
        steps: ["Checked the DHCP scope options", "Compared ipconfig on a working PC"],
        fixes: [
          fix("Set DHCP option 006 to the domain controllers", "Clients renewed leases, names resolve"),
        ],
        resolutions: [
          "DHCP scope handed out public DNS; option 006 changed to the DCs.",
          "Wrong DNS servers in the VLAN scope. Fixed option 6.",
        ],
      },
    ],
  },
  {
    family: "Wi-Fi connection problems",
    domain: "Network / VPN",
    summaries: [
      "Wi-Fi keeps disconnecting at {site}",
      "Staff can't connect to the office Wi-Fi",
      "{user} can't get onto the wireless at {client}",
    ],
    steps: ["Checked the controller for the client's association history", "Forgot and rejoined the network"],
    deadEnds: [
      fix("Reboot the access point", "Came back, problem returned within an hour"),
      fix("Reset the network settings on the device", "No change"),
    ],
    causes: [
      {
        cause: "network.wifi.radius-cert-expired",
        summaries: ["802.1X Wi-Fi fails for everyone this morning"],
        notes: [
          "NPS event 6273, reason code 265: the certificate chain was issued by an untrusted authority.",
          "The NPS server's certificate expired overnight.",
          "Only the corporate SSID fails; guest works.",
        ],
        steps: ["Checked the NPS event log", "Looked at the server certificate in the NPS policy"],
        fixes: [
          fix("Renew the NPS server certificate and bind it in the policy", "Clients authenticate again"),
        ],
        resolutions: [
          "RADIUS (NPS) certificate expired; renewed from the CA and selected it in the PEAP settings.",
          "Expired NPS certificate broke 802.1X. Renewed.",
        ],
      },
      {
        cause: "network.wifi.dhcp-exhausted",
        summaries: ["Wi-Fi connected but no internet for some users"],
        notes: [
          "Devices get a 169.254 address.",
          "DHCP scope 10.20.0.0/24 shows 0 free addresses.",
          "Lease time is 8 days and lots of phones join.",
        ],
        steps: ["Checked the DHCP scope statistics", "Ran ipconfig on an affected laptop"],
        fixes: [fix("Enlarge the DHCP scope and shorten the lease", "Scope widened to /23 with 8 h leases")],
        resolutions: [
          "DHCP pool exhausted by phones on 8-day leases; extended the scope and shortened leases.",
          "No free leases (169.254 addresses). Scope enlarged.",
        ],
      },
    ],
  },
  {
    family: "Printer not printing",
    domain: "Printing",
    summaries: [
      "Printer queue stuck at {client}",
      "Nobody can print to the {site} printer",
      "Jobs sit in the queue and never print",
      "{user} can't print",
      "Printing stopped working - {client}",
    ],
    steps: [
      "Restarted the print spooler",
      "Printed a test page from the printer panel",
      "Pinged the printer's IP",
    ],
    deadEnds: [
      fix("Power cycle the printer", "Printed one page then stuck again"),
      fix("Delete and re-add the printer on the PC", "Same after re-adding"),
    ],
    causes: [
      {
        cause: "printing.queue.driver-after-update",
        summaries: ["Printing broke after Patch Tuesday"],
        notes: [
          "Started after KB5034441 installed overnight.",
          "Spooler crashes with PrintIsolationHost.exe faulting.",
          "Event 372: the document failed to print, error 0x0000011b.",
        ],
        steps: ["Checked the PrintService admin log", "Listed updates installed yesterday"],
        fixes: [
          fix(
            "Install the v4 (Type 4) driver from the vendor",
            "Replaced the universal driver; printing stable",
          ),
          fix("Update the print driver on the print server", "0x0000011b gone after the driver update"),
        ],
        resolutions: [
          "Old Type 3 driver incompatible with the update (0x0000011b); moved to the vendor's current driver.",
          "Driver broken by the monthly update. New driver deployed from the print server.",
        ],
      },
      {
        cause: "printing.queue.ip-changed",
        summaries: ["Printer shows offline on all PCs"],
        notes: [
          "Printer picked up a new DHCP address after the power cut.",
          "Port is 192.168.1.50 but the printer's panel shows .73.",
          "Web page of the printer opens on the new address.",
        ],
        steps: ["Printed the network configuration page", "Checked the TCP/IP port on the queue"],
        fixes: [fix("Reserve the printer's IP in DHCP and fix the port", "Queue online, jobs printed")],
        resolutions: [
          "Printer changed IP after a power cut; DHCP reservation added and the port corrected.",
          "Wrong IP on the printer port. Reservation created.",
        ],
      },
      {
        cause: "printing.queue.spooler-disk-full",
        summaries: ["Print server queue full of errored jobs"],
        notes: [
          "C:\\Windows\\System32\\spool\\PRINTERS holds 30 GB of .SPL files.",
          "Print server's C: drive has 0 bytes free.",
          "Event 6005: the spooler could not write the job.",
        ],
        steps: ["Checked free space on the print server", "Looked at the spool folder"],
        fixes: [fix("Clear the spool folder and move it to the D: drive", "Spooler runs, queue empties")],
        resolutions: [
          "Print server disk full of stuck spool files; cleared and moved the spool directory.",
          "Spool folder filled C:. Cleared it and relocated spooling.",
        ],
      },
    ],
  },
  {
    family: "Scan to email fails",
    domain: "Printing",
    summaries: [
      "Scan to email not working on the copier at {client}",
      "Copier can't send scans",
      "Scan to email stopped at {site}",
    ],
    steps: ["Sent a test scan and read the copier's error log", "Checked the SMTP settings on the copier"],
    deadEnds: [
      fix("Reboot the copier", "Same error after restart"),
      fix("Re-enter the destination address book entry", "No change"),
    ],
    causes: [
      {
        cause: "printing.scan.basic-auth-disabled",
        summaries: ["Copier scan to email fails with authentication error"],
        notes: [
          "Copier log: 535 5.7.139 Authentication unsuccessful, basic authentication is disabled.",
          "Copier sends through smtp.office365.com:587 with the scanner@ account.",
          "Microsoft turned off SMTP AUTH for the tenant.",
        ],
        steps: ["Checked SMTP AUTH for the scanner mailbox", "Tested the credentials in OWA"],
        fixes: [
          fix("Relay scans through an Exchange Online connector", "Connector by static IP; scans arrive"),
          fix("Enable authenticated SMTP for the scanner mailbox", "535 5.7.139 gone"),
        ],
        resolutions: [
          "SMTP AUTH disabled for the tenant (535 5.7.139); switched the copier to a connector relay.",
          "Basic auth off for SMTP. Scanner mailbox allowed authenticated SMTP.",
        ],
      },
      {
        cause: "printing.scan.scanner-password-expired",
        summaries: ["Scanner mailbox password problem"],
        notes: [
          "The scanner@ mailbox password expired under the 90-day policy.",
          "Copier error: login failed (535 5.7.3).",
          "Sign-in logs for scanner@ show error 50055: password expired.",
        ],
        steps: ["Checked the sign-in logs for the scanner account"],
        fixes: [
          fix(
            "Reset the scanner account password and exempt it from expiry",
            "New password on the copier; password never expires set",
          ),
        ],
        resolutions: [
          "Scanner service account password expired (50055); reset and set to never expire.",
          "Expired scanner@ password. Reset and updated on the copier.",
        ],
      },
    ],
  },
  {
    family: "Autopilot and Intune enrolment",
    domain: "Endpoint",
    summaries: [
      "New laptop stuck at Autopilot setup for {user}",
      "Autopilot enrolment failing at {client}",
      "Intune enrolment fails on the new {device}",
      "Device won't finish enrolling",
    ],
    steps: [
      "Checked the device in Intune and Autopilot",
      "Collected the MDM diagnostics report",
      "Retried the OOBE after a reset",
    ],
    deadEnds: [
      fix("Reset the device and start OOBE again", "Failed at the same stage"),
      fix("Try a wired network for OOBE", "Same result on Ethernet"),
    ],
    causes: [
      {
        cause: "endpoint.autopilot.stale-intune-record",
        summaries: [
          "Autopilot enrolment stops with 0x80180014",
          "Device enrolment fails on the reimaged laptop",
        ],
        notes: [
          "Error 0x80180014 on the enrolment screen.",
          "Laptop was wiped and handed to a new starter; old Intune record still there.",
          "The serial number appears twice in Intune devices.",
        ],
        steps: ["Searched Intune for the serial number", "Looked at the device's Entra object"],
        fixes: [
          fix("Delete the old Intune device record before re-enrolling", "Enrolled at the next try"),
          fix("Remove the stale device from Intune and Entra", "0x80180014 cleared, ESP completed"),
        ],
        resolutions: [
          "A stale Intune record blocked enrolment (0x80180014); deleted it and re-enrolled.",
          "Old device object left from the previous user. Removed, enrolment OK.",
        ],
      },
      {
        cause: "endpoint.autopilot.esp-app-timeout",
        summaries: ["Autopilot ESP hangs at installing apps", "Enrolment Status Page times out"],
        notes: [
          "ESP stuck at 'Apps (2 of 7)' for 60 minutes then error 0x800705b4.",
          "The blocking app list includes the old Sage installer that needs a reboot.",
          "IME log shows the Win32 app exiting with 3010.",
        ],
        steps: ["Read the IntuneManagementExtension.log", "Listed the blocking apps in the ESP profile"],
        fixes: [
          fix("Remove the slow app from the ESP blocking list", "ESP completes in 25 minutes"),
          fix("Fix the Win32 app's return codes (3010 as soft reboot)", "App reports success, ESP finishes"),
        ],
        resolutions: [
          "ESP timed out (0x800705b4) on a blocking Win32 app returning 3010; fixed its return codes.",
          "App in the ESP blocking list hung; removed it from the required list.",
        ],
      },
      {
        cause: "endpoint.autopilot.no-licence-mdm-scope",
        summaries: ["Intune enrolment fails: user not allowed"],
        notes: [
          "Error 0x80180018: the user is not licensed for Intune.",
          "New starter has only an Exchange Online licence.",
          "MDM user scope is a group the user is not in.",
        ],
        steps: ["Checked the user's licences", "Checked the MDM user scope in Entra mobility settings"],
        fixes: [
          fix("Assign the Intune licence and add the user to the MDM scope group", "Enrolment succeeded"),
        ],
        resolutions: [
          "User had no Intune licence (0x80180018); assigned Business Premium and added to the scope group.",
          "Not in MDM scope / unlicensed. Licence and group fixed.",
        ],
      },
    ],
  },
  {
    family: "BitLocker recovery prompt",
    domain: "Endpoint",
    summaries: [
      "BitLocker recovery key prompt at boot for {user}",
      "Laptop asking for BitLocker key - {client}",
      "{device} boots to the BitLocker recovery screen",
    ],
    steps: ["Retrieved the recovery key from Entra", "Checked the TPM status with tpm.msc"],
    deadEnds: [
      fix("Clear the TPM", "Asked for the key again after the next reboot"),
      fix("Reset the BIOS to defaults", "Still prompts"),
    ],
    causes: [
      {
        cause: "endpoint.bitlocker.bios-update",
        summaries: ["BitLocker recovery key prompt after BIOS update"],
        notes: [
          "Dell Command Update installed BIOS 1.21 last night.",
          "BitLocker was not suspended before the firmware update.",
          "PCR7 binding changed after the firmware flash.",
        ],
        steps: ["Checked Dell Command Update history", "Ran manage-bde -protectors -get C:"],
        fixes: [
          fix(
            "Suspend BitLocker for firmware updates and reseal the TPM",
            "manage-bde -protectors -disable then enable; no more prompts",
          ),
        ],
        resolutions: [
          "BIOS update changed the PCRs without BitLocker suspended; resealed and set updates to suspend first.",
          "Firmware update triggered recovery. Protectors re-enabled after suspend.",
        ],
      },
      {
        cause: "endpoint.bitlocker.dock-boot-order",
        summaries: ["BitLocker prompt only when docked"],
        notes: [
          "Prompts only when booting on the Thunderbolt dock.",
          "Boot order tries the dock's network PXE first.",
          "Undocked it boots straight into Windows.",
        ],
        steps: ["Tested boot docked and undocked", "Checked the UEFI boot order"],
        fixes: [fix("Disable PXE boot through the dock in the BIOS", "Boots docked without the key")],
        resolutions: [
          "Dock PXE entry in the boot order changed the measured boot; disabled Thunderbolt PXE.",
          "Boot from dock network stack triggered recovery. Turned off.",
        ],
      },
    ],
  },
  {
    family: "Slow PC",
    domain: "Endpoint",
    summaries: [
      "PC very slow for {user}",
      "Laptop takes ages to do anything - {client}",
      "{device} running really slowly",
      "Slow logon and slow apps",
    ],
    steps: ["Checked Task Manager for CPU, memory and disk", "Ran a malware scan"],
    deadEnds: [
      fix("Disable startup apps", "Slightly faster boot, still slow"),
      fix("Run disk cleanup", "Freed space, no speed change"),
    ],
    causes: [
      {
        cause: "endpoint.slow.failing-ssd",
        summaries: ["Laptop freezes for seconds at a time"],
        notes: [
          "Disk at 100% active time with almost no throughput.",
          "Event 153: the IO operation was retried, on disk 0.",
          "CrystalDiskInfo shows the SSD health as Caution, reallocated sectors.",
        ],
        steps: ["Checked SMART data with CrystalDiskInfo", "Filtered the System log for disk events"],
        fixes: [fix("Replace the SSD and restore from backup", "New NVMe fitted; machine fast again")],
        resolutions: [
          "Failing SSD (event 153, reallocated sectors). Replaced the drive under warranty.",
          "Disk dying: IO retries. New SSD and reimaged.",
        ],
      },
      {
        cause: "endpoint.slow.av-scanning-loop",
        summaries: ["High CPU from antivirus"],
        notes: [
          "MsMpEng.exe at 60% CPU all day.",
          "Defender scanning the Sage data folder on every write.",
          "CPU spikes when the accounts software is open.",
        ],
        steps: ["Ran the Defender performance analyzer", "Checked Defender exclusions in Intune"],
        fixes: [fix("Add exclusions for the accounts data folder", "CPU normal, Sage responsive")],
        resolutions: [
          "Defender real-time scanning of the Sage data files; added vendor-recommended exclusions.",
          "Antivirus scanning loop on the accounts data. Exclusions added.",
        ],
      },
      {
        cause: "endpoint.slow.low-ram",
        summaries: ["Slow when several apps are open"],
        notes: [
          "8 GB RAM, 95% in use with Teams, Chrome and Excel open.",
          "Hard faults per second in the thousands in Resource Monitor.",
          "Fine right after reboot, slow by lunchtime.",
        ],
        steps: ["Watched memory in Resource Monitor"],
        fixes: [fix("Upgrade the RAM to 16 GB", "Memory use at 55%, no more slowdowns")],
        resolutions: [
          "Not enough memory for the user's workload; upgraded from 8 to 16 GB.",
          "RAM exhausted, heavy paging. Added 8 GB.",
        ],
      },
    ],
  },
  {
    family: "Account locked out",
    domain: "Active Directory",
    summaries: [
      "{user} keeps getting locked out",
      "Account lockouts every morning at {client}",
      "AD account locked repeatedly",
      "User locked out again after unlock",
    ],
    steps: [
      "Unlocked the account in ADUC",
      "Ran the lockout status tool against all DCs",
      "Found the lockout source in event 4740 on the PDC",
    ],
    deadEnds: [
      fix("Reset the password", "Locked out again within an hour"),
      fix("Remove saved Wi-Fi profiles", "Still locking"),
    ],
    causes: [
      {
        cause: "ad.lockout.phone-activesync-old-password",
        summaries: ["Lockouts after password change, phone suspected"],
        notes: [
          "Event 4740 caller computer is blank; the source is the Exchange/ActiveSync server.",
          "User changed the password but the iPhone mail app still has the old one.",
          "Failures every 15 minutes in the sign-in logs from the native mail client.",
        ],
        steps: ["Checked the mobile devices on the mailbox"],
        fixes: [
          fix("Update the password on the phone's mail account", "Lockouts stopped"),
          fix("Remove the old mail profile from the phone", "No more bad password attempts"),
        ],
        resolutions: [
          "Phone mail app retrying the old password locked the account; updated the phone.",
          "ActiveSync with a stale password. Fixed on the handset.",
        ],
      },
      {
        cause: "ad.lockout.mapped-drive-stored-creds",
        summaries: ["Locked out by own PC after password change"],
        notes: [
          "Event 4740 caller computer is the user's own desktop.",
          "A drive mapped with saved credentials under another user's name.",
          "cmdkey /list shows an old domain credential for the NAS.",
        ],
        steps: ["Listed saved credentials with cmdkey /list", "Checked mapped drives"],
        fixes: [fix("Remove stored credentials and remap the drive", "No bad password count since")],
        resolutions: [
          "A persistent drive mapping with stored old credentials locked the account; removed and remapped.",
          "Saved credential for the NAS used the old password. Deleted it.",
        ],
      },
      {
        cause: "ad.lockout.service-account-scheduled-task",
        summaries: ["Service account locked out overnight"],
        notes: [
          "The locked account is svc-backup, used by a scheduled task.",
          "Event 4740 caller: the old file server FS01.",
          "Password was rotated but FS01's scheduled task still has the old one.",
        ],
        steps: ["Searched scheduled tasks and services for the account"],
        fixes: [
          fix("Update the scheduled task's stored password", "Task ran, no lockout"),
          fix("Move the task to a gMSA", "No passwords to go stale"),
        ],
        resolutions: [
          "Scheduled task on FS01 ran with the old service account password; updated it.",
          "svc account password rotated but not updated in the task. Converted to a gMSA.",
        ],
      },
    ],
  },
  {
    family: "Cannot access file share",
    domain: "Active Directory",
    summaries: [
      "Access denied on the shared drive for {user}",
      "Can't open the S: drive at {client}",
      "Shared folder permission problem",
      "{user} lost access to the finance share",
    ],
    steps: ["Checked the share and NTFS permissions", "Ran gpresult /r on the PC"],
    deadEnds: [fix("Remap the drive", "Access denied again"), fix("Reboot the file server", "No change")],
    causes: [
      {
        cause: "ad.share.group-membership-token",
        summaries: ["Access denied after being added to the group"],
        notes: [
          "User was added to the Finance-RW group this morning.",
          "whoami /groups does not list the new group.",
          "Works on another PC where the user has just logged in.",
        ],
        steps: ["Ran whoami /groups"],
        fixes: [fix("Log off and on to refresh the Kerberos token", "klist purge and logon; share opens")],
        resolutions: [
          "Group change not in the user's Kerberos token yet; logged off and on.",
          "Stale token after the group change. klist purge fixed it.",
        ],
      },
      {
        cause: "ad.share.broken-trust",
        summaries: ["Trust relationship failed on a PC"],
        notes: [
          "Logon error: the trust relationship between this workstation and the primary domain failed.",
          "PC was restored from an old snapshot.",
          "Test-ComputerSecureChannel returns False.",
        ],
        steps: ["Ran Test-ComputerSecureChannel", "Checked the computer account in AD"],
        fixes: [fix("Repair the secure channel", "Test-ComputerSecureChannel -Repair, reboot, shares work")],
        resolutions: [
          "Broken computer trust after a snapshot restore; repaired the secure channel.",
          "Machine account password out of sync. Rejoined / repaired.",
        ],
      },
    ],
  },
  {
    family: "Group Policy not applying",
    domain: "Active Directory",
    summaries: [
      "Group Policy not applying at {client}",
      "GPO settings missing on new PCs",
      "Mapped drives and printers from GPO not showing",
    ],
    steps: ["Ran gpupdate /force", "Ran gpresult /h and read the report"],
    deadEnds: [fix("Reboot twice", "Policies still not applied")],
    causes: [
      {
        cause: "ad.gpo.sysvol-replication",
        summaries: ["GPO changes only reach half the PCs"],
        notes: [
          "DFSR event 2213: the DFS Replication service stopped replication on the volume.",
          "SYSVOL on DC2 is missing the new policy folder.",
          "Clients using DC2 don't get the policy.",
        ],
        steps: ["Compared SYSVOL on both DCs", "Checked the DFS Replication event log"],
        fixes: [
          fix(
            "Resume DFSR replication on the DC (event 2213)",
            "Ran the ResumeReplication WMI call; SYSVOL in sync",
          ),
        ],
        resolutions: [
          "SYSVOL replication paused after a dirty shutdown (DFSR 2213); resumed it.",
          "DFSR stopped on DC2. Resumed and SYSVOL caught up.",
        ],
      },
      {
        cause: "ad.gpo.wrong-ou",
        summaries: ["New computers not getting policies"],
        notes: [
          "New PCs land in the default Computers container.",
          "gpresult shows only the Default Domain Policy.",
          "The policies are linked to the Workstations OU.",
        ],
        steps: ["Checked where the computer objects are in AD"],
        fixes: [
          fix(
            "Move the computers to the right OU and redirect the default container",
            "redircmp set; policies apply",
          ),
        ],
        resolutions: [
          "Computers joined into the default container with no GPOs linked; moved them and ran redircmp.",
          "Wrong OU. Objects moved to Workstations.",
        ],
      },
    ],
  },
  {
    family: "Suspicious sign-in or phishing",
    domain: "Security",
    summaries: [
      "Suspicious sign-in alert for {user}",
      "Possible compromised account at {client}",
      "{user} reported a strange email and sign-in",
      "Risky sign-in flagged in Entra",
    ],
    steps: [
      "Reviewed the Entra sign-in logs for the user",
      "Checked the user's inbox rules",
      "Revoked the user's sessions",
    ],
    deadEnds: [fix("Reset the password only", "New sign-ins kept appearing from the same IP")],
    causes: [
      {
        cause: "security.compromise.aitm-token-theft",
        summaries: ["Account compromised despite MFA"],
        notes: [
          "User entered credentials on a fake Microsoft login page from a DocuSign lure.",
          "Sign-in from a VPS in another country with MFA satisfied by claim in token.",
          "New inbox rule moves mail containing 'invoice' to RSS Feeds.",
        ],
        steps: ["Searched the unified audit log for New-InboxRule"],
        fixes: [
          fix(
            "Revoke tokens, reset password and require phishing-resistant MFA",
            "Sessions revoked, rule removed, Conditional Access with compliant device",
          ),
        ],
        resolutions: [
          "Adversary-in-the-middle phishing stole the session token; revoked, removed the rule and tightened CA.",
          "AiTM token theft. Tokens revoked and malicious inbox rule deleted.",
        ],
      },
      {
        cause: "security.signin.travel-false-positive",
        summaries: ["Impossible travel alert for the MD"],
        notes: [
          "Alert: impossible travel, sign-ins from London and Frankfurt within 10 minutes.",
          "Frankfurt IP belongs to the client's own cloud VPN provider.",
          "User confirms they were on the VPN.",
        ],
        steps: ["Looked up the IP addresses' owners"],
        fixes: [fix("Add the VPN egress IPs as a named location", "Alert dismissed, no repeats")],
        resolutions: [
          "False positive: the VPN's Frankfurt egress. Added it as a trusted named location.",
          "Impossible travel from the corporate VPN. Named location created.",
        ],
      },
    ],
  },
  {
    family: "Defender blocking something",
    domain: "Security",
    summaries: [
      "Defender blocking an app at {client}",
      "Antivirus quarantined a file {user} needs",
      "Application won't start, security software suspected",
    ],
    steps: ["Checked the Defender protection history", "Looked the alert up in the Defender portal"],
    deadEnds: [fix("Reinstall the application", "Blocked again on first launch")],
    causes: [
      {
        cause: "security.defender.asr-office-macro",
        summaries: ["Excel macro blocked by attack surface reduction"],
        notes: [
          "ASR rule 'Block Office applications from creating child processes' fired (event 1121).",
          "The pricing workbook's macro launches a PDF printer.",
          "Only started after the ASR rules moved from audit to block.",
        ],
        steps: ["Read the Defender operational log for event 1121"],
        fixes: [
          fix("Add an ASR per-rule exclusion for the workbook path", "Macro runs, rule still on for others"),
        ],
        resolutions: [
          "ASR rule blocked the macro's child process (1121); added a per-rule exclusion for the signed workbook.",
          "Attack surface reduction in block mode stopped the macro. Exclusion added.",
        ],
      },
      {
        cause: "security.defender.false-positive-quarantine",
        summaries: ["Line-of-business app quarantined as Trojan"],
        notes: [
          "Defender flagged the practice software update as Trojan:Win32/Wacatac.B!ml.",
          "The vendor says it is a known false positive in the latest build.",
          "File hash matches the vendor's published installer.",
        ],
        steps: ["Checked the file on VirusTotal", "Submitted the file to Microsoft"],
        fixes: [
          fix(
            "Submit as false positive and allow the file hash by indicator",
            "Restored from quarantine; Microsoft cleared the detection",
          ),
        ],
        resolutions: [
          "Wacatac.B!ml false positive on the vendor's update; allowed the hash and submitted to Microsoft.",
          "ML detection false positive. Indicator added and file restored.",
        ],
      },
    ],
  },
  // Problems this account has never resolved: their queries should find nothing.
  {
    family: "Unseen problems",
    domain: "Endpoint",
    summaries: [],
    steps: [],
    deadEnds: [],
    causes: [
      {
        cause: "novel.camera-privacy-shutter",
        isNovel: true,
        summaries: ["Webcam shows black image in Teams for {user}"],
        notes: ["Camera app also black; the physical privacy shutter on the {device} is closed."],
        steps: ["Checked the camera privacy settings in Windows"],
        fixes: [],
        resolutions: [],
      },
      {
        cause: "novel.ups-firmware",
        isNovel: true,
        summaries: ["Server room UPS beeping every 30 seconds at {client}"],
        notes: ["UPS panel shows a battery self-test failure code F02."],
        steps: ["Read the UPS event log from its network card"],
        fixes: [],
        resolutions: [],
      },
      {
        cause: "novel.license-key-cad",
        isNovel: true,
        summaries: ["CAD software says licence server unreachable"],
        notes: ["FlexLM service on the licence server stopped after a Java update."],
        steps: ["Checked lmgrd status"],
        fixes: [],
        resolutions: [],
      },
    ],
  },
];
