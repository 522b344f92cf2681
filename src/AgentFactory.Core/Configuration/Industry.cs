namespace AgentFactory.Core.Configuration;

/// <summary>The fixed list of industries an agent can specialise in.</summary>
public enum Industry
{
    /// <summary>Hospitals, clinics, health insurers' care side.</summary>
    Healthcare,
    /// <summary>Schools, universities, training.</summary>
    Education,
    /// <summary>Sales and business development.</summary>
    Sales,
    /// <summary>Banking, payments, accounting.</summary>
    Finance,
    /// <summary>Retail and e-commerce.</summary>
    Retail,
    /// <summary>Manufacturing and industry.</summary>
    Manufacturing,
    /// <summary>Legal services.</summary>
    Legal,
    /// <summary>Public sector.</summary>
    Government,
    /// <summary>Software and technology.</summary>
    Technology,
    /// <summary>Media and entertainment.</summary>
    Media,
    /// <summary>Transport, shipping, supply chain.</summary>
    Logistics,
    /// <summary>Hotels, travel, food service.</summary>
    Hospitality,
    /// <summary>Energy and utilities.</summary>
    Energy,
    /// <summary>Real estate.</summary>
    RealEstate,
    /// <summary>Insurance.</summary>
    Insurance,
    /// <summary>Telecommunications.</summary>
    Telecommunications,
    /// <summary>Charities and non-profit organisations.</summary>
    NonProfit,
    /// <summary>None of the above.</summary>
    Other,
}
