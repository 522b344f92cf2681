// Placeholder so the project builds before the domain lands; removed by the first domain file.
namespace AgentFactory.Core;
