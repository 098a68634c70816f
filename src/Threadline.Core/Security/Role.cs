namespace Threadline.Security;

/// <summary>
/// What a principal may do. A principal holds any number of roles; every role reads (viewer is the floor), admin
/// includes every role but <see cref="Approver"/>, whose signature must come from a named person.
/// </summary>
public enum Role
{
    /// <summary>Reads records, telemetry and twins.</summary>
    Viewer,

    /// <summary>Acknowledges alerts.</summary>
    Operator,

    /// <summary>Records service events and as-built records, registers units.</summary>
    Technician,

    /// <summary>Edits Draft revisions, releases them, creates problem reports and change orders.</summary>
    Engineer,

    /// <summary>Signs change orders. Never held by a service principal.</summary>
    Approver,

    /// <summary>Manages users, service principals, devices and settings; reads the audit trail.</summary>
    Admin,
}

/// <summary>Who a principal is: a person with a password, or an integration (or Threadline's own automatic actions) with API tokens.</summary>
public enum PrincipalKind
{
    User,
    Service,
}
