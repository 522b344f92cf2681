using 'main.bicep'

// Development: one always-ready instance, a small scale-out ceiling, the free Web PubSub tier.
param environmentName = 'dev'
param location = 'westeurope'
param alwaysReadyInstances = 1
param maximumInstanceCount = 4
param instanceMemoryMB = 2048
param webPubSubSku = 'Free_F1'
param agentImage = readEnvironmentVariable('AGENTFACTORY_AGENT_IMAGE', 'mcr.microsoft.com/dotnet/runtime:10.0')
// Never committed: taken from the deploying shell (openssl rand -base64 32).
param secretsKey = readEnvironmentVariable('AGENTFACTORY_SECRETS_KEY', '')
