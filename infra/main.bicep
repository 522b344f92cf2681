// Agent Factory on Azure: the app as an Azure Functions custom handler on Flex Consumption with always-ready
// instances, its state in a storage account reached with a managed identity only (no keys anywhere), the agents'
// queues and tables in an account of their own, Web PubSub for live progress, Log Analytics + Application Insights,
// and the rights to manage container groups in the agents' resource group alone. Deploy: docs/DEPLOYMENT.md.
targetScope = 'subscription'

@description('Short environment name, used in resource names: dev, prod.')
@minLength(2)
@maxLength(8)
param environmentName string

@description('Region of every resource, and of the agents\' container groups.')
param location string

@description('Base name of the resources (letters and digits).')
@minLength(3)
@maxLength(11)
param appName string = 'agentfact'

@description('Always-ready instances of the HTTP function group: they keep the engine\'s dispatchers running when no request comes in. At least 1.')
@minValue(1)
param alwaysReadyInstances int = 1

@description('Most instances the app scales out to (partitions are spread over at most 16 of them).')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory of each instance in MB.')
@allowed([2048, 4096])
param instanceMemoryMB int = 2048

@description('The agent program\'s image that container groups run.')
param agentImage string

@description('Web PubSub tier: Free_F1 (20 connections) for trying, Standard_S1 for use.')
@allowed(['Free_F1', 'Standard_S1'])
param webPubSubSku string = 'Standard_S1'

@description('Base64 256-bit key that encrypts the secrets in agent configurations (openssl rand -base64 32). The app refuses to start without a valid one.')
@secure()
param secretsKey string

var suffix = uniqueString(subscription().id, appName, environmentName)
var tags = {
  application: 'agent-factory'
  environment: environmentName
}

resource appGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${appName}-${environmentName}'
  location: location
  tags: tags
}

resource agentsGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${appName}-${environmentName}-agents'
  location: location
  tags: tags
}

module app 'modules/app.bicep' = {
  name: 'agent-factory-app'
  scope: appGroup
  params: {
    location: location
    tags: tags
    namePrefix: '${appName}-${environmentName}'
    storageAccountName: take('st${appName}${suffix}', 24)
    // A different first letter pair, so the two names differ whatever the truncation keeps.
    agentStorageAccountName: take('ag${appName}${suffix}', 24)
    alwaysReadyInstances: alwaysReadyInstances
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    agentImage: agentImage
    agentsResourceGroupName: agentsGroup.name
    webPubSubSku: webPubSubSku
    secretsKey: secretsKey
  }
}

module agents 'modules/agents.bicep' = {
  name: 'agent-factory-agents'
  scope: agentsGroup
  params: {
    principalId: app.outputs.identityPrincipalId
  }
}

// Availability checks read the region's Container Instances usage, which lives at subscription scope: a role
// that can read usage and nothing else.
resource usageReader 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(subscription().id, appName, environmentName, 'aci-usage-reader')
  properties: {
    roleName: 'Agent Factory ${environmentName} - Container Instances usage reader'
    description: 'Reads Container Instances usage and limits per region (availability checks).'
    type: 'CustomRole'
    assignableScopes: [subscription().id]
    permissions: [
      {
        actions: ['Microsoft.ContainerInstance/locations/usages/read']
        notActions: []
      }
    ]
  }
}

resource usageReaderAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, usageReader.id, appName, environmentName)
  properties: {
    roleDefinitionId: usageReader.id
    principalId: app.outputs.identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output functionAppName string = app.outputs.functionAppName
output functionAppHostName string = app.outputs.functionAppHostName
output appResourceGroup string = appGroup.name
output agentsResourceGroup string = agentsGroup.name
output storageAccountName string = app.outputs.storageAccountName
output agentStorageAccountName string = app.outputs.agentStorageAccountName
output webPubSubHostName string = app.outputs.webPubSubHostName
