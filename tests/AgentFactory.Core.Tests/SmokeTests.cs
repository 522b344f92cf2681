namespace AgentFactory.Core.Tests;
